"""The body on disk: finding it, reading and validating its TOML files into core records,
writing them back atomically with comments kept, the lock, the journal and the indexes."""
