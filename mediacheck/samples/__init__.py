"""Build real photo and video files for tests, sample submissions and benchmarks."""
