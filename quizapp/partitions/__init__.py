"""Month partitions of the answer table on PostgreSQL (`quizapp partitions`, docs/scale.md)."""
