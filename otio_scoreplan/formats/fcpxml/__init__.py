"""FCPXML (.fcpxml, .fcpxmld): Final Cut Pro and Resolve: the reader (read.py) and the writer (write.py) side by side, sharing this format's parsing."""
