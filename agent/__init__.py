"""The 帮办代办员's app (帮办代办 agent tablet): log in, take numbers for citizens, see them.

A device of role ``agent``, not the clerk app: the clerk app belongs to a window and acts on
it, while an agent moves about the hall (or visits those who cannot come) and holds tickets
for several citizens at once. The agent logs in with a staff id and PIN like a manager on the
wall (the same lock-out rules); the server records each ticket with the agent and the
citizen's hash, and boards and kiosks show it as a normal number.
"""
