"""Workers' reports of scams they met (我遇到过类似的骗局) and the grid officers' inbox of leads."""
