"""OpenTimelineIO's own files (.otio, .otioz): the reader (read.py) and the writer (write.py) side by side, sharing this format's parsing."""
