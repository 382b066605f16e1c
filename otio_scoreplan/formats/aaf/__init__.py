"""AAF: Avid Media Composer, Premiere, Pro Tools (pyaaf2): the reader (read.py) and the writer (write.py) side by side, sharing this format's parsing."""
