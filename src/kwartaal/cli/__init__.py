"""The command line: options and printing only, over the library below. Kept empty so that the
fast lane (cli.fast) starts without importing anything else."""
