"""Reports of the hall: figures folded from the event log, documents and exports made of them."""
