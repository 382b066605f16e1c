"""The audio edge: decoding (ffmpeg from imageio-ffmpeg), fitting, loudness, Broadcast Wave, rendering.

This package is the only place pydub is imported. Sample arithmetic is done on numpy arrays of
float32 samples shaped ``(frames, channels)``; pydub serves as the interchange value type.
"""

SAMPLE_RATE = 48_000
CHANNELS = 2

