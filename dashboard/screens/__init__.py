"""The dashboard's screens: the four views, help, first run and the dialogs."""
