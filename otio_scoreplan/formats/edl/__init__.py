"""CMX 3600 EDL: Avid, Resolve, Premiere: the reader (read.py) and the writer (write.py) side by side, sharing this format's parsing."""
