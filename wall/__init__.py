"""The hall manager's live wall (管理大屏): the hall at a glance, alerts, 差评 and actions."""
