"""Import of sign-in sheets, backups, retention, a guest's data, and the daily automatic work
(issue 5). Managers only, except the daily work, which runs whoever is signed in."""
