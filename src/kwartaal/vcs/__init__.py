"""The body's git repository: commits, history, sync between clones, the merge driver and the
pre-commit hook."""
