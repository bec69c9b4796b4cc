"""`python -m kwartaal`: the same as the kwartaal command (used by the git merge driver)."""

from kwartaal.cli.fast import main

main()
