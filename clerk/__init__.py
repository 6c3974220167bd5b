"""The window clerk's app (软件呼叫器)."""
