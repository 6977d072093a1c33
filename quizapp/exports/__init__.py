"""The console's exports (/console/exports): results by day, worker and team as CSV or XLSX, and
the workbook writer the periodic reports share."""
