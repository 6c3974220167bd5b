"""What the hall's Qt apps share: the link to the queue server and the CJK font."""
