"""`video-codec` — an MP4 plays everywhere when its picture is H.264 and its sound is AAC.

HEVC (H.265, what recent iPhones record) and other codecs may not play on the office's computers
or on the portal; `mediacheck fix` re-encodes them to H.264 + AAC.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mediacheck.checks import EventFacts, Problem

ID = "video-codec"
OPTIONS = {"video_codecs": list, "audio_codecs": list}
MESSAGES = ("video-codec", "audio-codec")
# How people name codecs (FFmpeg's names are lower-case identifiers: "mp3", "pcm_s16le").
CODEC_NAMES = {"h264": "H.264", "hevc": "HEVC (H.265)", "mpeg4": "MPEG-4 Part 2",
               "mjpeg": "Motion JPEG", "vp9": "VP9", "vp8": "VP8", "av1": "AV1", "aac": "AAC",
               "mp3": "MP3", "mp2": "MP2", "opus": "Opus", "vorbis": "Vorbis", "ac3": "AC-3",
               "eac3": "E-AC-3", "flac": "FLAC", "amr_nb": "AMR", "amr_wb": "AMR-WB",
               "wmav2": "WMA", "wmv3": "WMV", "pcm_s16le": "PCM", "pcm_s16be": "PCM",
               "alac": "ALAC"}


def check(event: EventFacts, options: dict[str, Any]) -> Iterator[Problem]:
    for f in event.videos():
        v = f.video
        if v.video_codec and v.video_codec not in options["video_codecs"]:
            yield Problem("video-codec", f.path, {
                "file": f.path, "codec": codec_name(v.video_codec), "codec_id": v.video_codec})
        if v.audio_codec and v.audio_codec not in options["audio_codecs"]:
            yield Problem("audio-codec", f.path, {
                "file": f.path, "codec": codec_name(v.audio_codec), "codec_id": v.audio_codec})


def codec_name(codec: str) -> str:
    """The name people know (MP3, not mp3); an unknown codec in upper case (PCM_U8)."""
    return CODEC_NAMES.get(codec, codec.upper())
