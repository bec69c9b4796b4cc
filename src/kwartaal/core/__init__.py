"""The records of a body and the rules about them: what a meeting, an action, a person is; which
actions are open or overdue; what the compensation limits allow; what may leave the group.
Pure: no files, no git, no output. Every other layer builds on this one."""
