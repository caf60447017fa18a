"""The coding screen: a full-screen Textual app over the same core functions as the CLI.

Nothing here imports Textual at module level except the widget modules, which are loaded only
when the screen opens (`qcode.tui.launch.open_screen`), so other commands never pay for it.
"""
