"""The demo town (`quizapp demo`, service.py) and the synthetic town for benchmarks (`quizapp synth`,
synth.py and synth_cli.py)."""
