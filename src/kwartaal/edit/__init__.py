"""Changes to a body: actions, meetings, recording a meeting, people and settings, publishing.
Each reads the body, changes its files through files.store and says what it did."""
