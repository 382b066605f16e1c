"""FCP7 XML (xmeml): Premiere Pro, Resolve, FCP7 exports: the reader (read.py) and the writer (write.py) side by side, sharing this format's parsing."""
