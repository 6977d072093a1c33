"""The daily rollups (CompanyDay, CompanyTopicDay) that every figure reads: kept up to date by the
quiz, rebuilt by `quizapp rollup` (cron)."""
