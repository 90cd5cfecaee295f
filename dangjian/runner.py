"""The `dangjian` console entry point: Django's command line with our settings."""

import os
import sys

# Hyphenated names for our own commands (Django names a command after its module).
ALIASES = {
    "ballots-scrub": "ballots_scrub",
    "demo-data": "demo_data",
    "demo-accounts": "demo_accounts",
    "send-reminders": "send_reminders",
    "verify-trail": "verify_trail",
    "rotate-data-key": "rotate_data_key",
    "grant-auditor": "grant_auditor",
    "revoke-auditor": "revoke_auditor",
    "prune-security-log": "prune_security_log",
}


def command_line(argv: list[str]) -> list[str]:
    """argv with a hyphenated command name (also after `help`) replaced by its module name."""
    argv = list(argv)
    for i in (1, 2):
        if len(argv) > i and argv[i] in ALIASES and (i == 1 or argv[1] == "help"):
            argv[i] = ALIASES[argv[i]]
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(command_line(sys.argv))


if __name__ == "__main__":
    main()
