"""Spoken-digit audio for callgate's speech black-box tests, generated at test time.

A caller "says" a user id by playing a WAV into the call (baresip's aufile source). The WAVs are
made here from text with the flite CLI (default voice kal, the 8 kHz diphone voice; kal16, slt,
awb, rms speak at 16 kHz) or espeak-ng, then converted with sox to what a phone line carries:
8 kHz, mono, 16-bit signed PCM, peak-normalised (default -3 dBFS). Segments are joined with
silence: leading silence decides whether the caller speaks after the prompt or into it (barge-in),
trailing silence keeps the call up, because baresip ends the call when its audio file ends.

Only the standard library plus the `flite`/`espeak-ng` and `sox` programs; every subprocess has a
timeout. Nothing here knows about callgate: `python3 speech_audio.py [outdir]` generates the test
WAVs and checks them on their own (format, timing, and, when libpocketsphinx and the en-us model
are installed, what pocketsphinx decodes from them against a digits grammar).
"""

import array
import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave

FLITE = shutil.which("flite")
ESPEAK = shutil.which("espeak-ng")
SOX = shutil.which("sox")

RATE = 8000
TOOL_TIMEOUT = 30          # seconds for any one flite/espeak-ng/sox run

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def missing_tools(engine="flite"):
    """The programs this module needs for `engine` that are not installed (names)."""
    tools = {"sox": SOX, engine: FLITE if engine == "flite" else ESPEAK}
    return [name for name, path in tools.items() if not path]


def digit_words(digits, group=0):
    """"12345678" -> "one two three four five six seven eight"; group=4 puts a comma (a short
    pause in flite and espeak-ng) after every 4 digits, as people say long numbers."""
    words = []
    for i, d in enumerate(digits):
        if not d.isdigit():
            raise ValueError(f"not a digit: {d!r}")
        words.append(DIGIT_WORDS[int(d)])
        if group and (i + 1) % group == 0 and i + 1 < len(digits):
            words[-1] += ","
    return " ".join(words)


def _run(args):
    r = subprocess.run(args, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
    return r


def _telephone(src, dst, peak_db=-3.0, tempo=None):
    """sox: any WAV -> 8 kHz mono 16-bit, peak at `peak_db` dBFS, optionally time-stretched."""
    effects = ["gain", "-n", str(peak_db)]
    if tempo and tempo != 1.0:
        effects += ["tempo", "-s", str(tempo)]
    _run([SOX, src, "-r", str(RATE), "-c", "1", "-b", "16", "-e", "signed-integer", dst,
          *effects])
    return dst


def synthesize(path, text, engine="flite", voice="kal", peak_db=-3.0, tempo=None):
    """Speaks `text` into `path` (8 kHz mono 16-bit). engine "flite" (voice kal, kal16, slt,
    awb, rms) or "espeak-ng" (voice e.g. "en-us"). `tempo` > 1 speaks faster (sox tempo)."""
    raw = path + ".raw.wav"
    try:
        if engine == "flite":
            _run([FLITE, "-voice", voice, "-t", text, "-o", raw])
        elif engine == "espeak-ng":
            _run([ESPEAK, "-v", voice or "en-us", "-w", raw, text])
        else:
            raise ValueError(f"unknown engine {engine!r}")
        return _telephone(raw, path, peak_db, tempo)
    finally:
        if os.path.exists(raw):
            os.remove(raw)


def silence(path, seconds):
    _run([SOX, "-n", "-r", str(RATE), "-c", "1", "-b", "16", "-e", "signed-integer", path,
          "trim", "0", f"{seconds:.3f}"])
    return path


def steady_noise_wav(path, seconds, rms_dbfs):
    """Pink noise (a steady room or line noise) of `seconds` at an RMS of about `rms_dbfs`,
    8 kHz mono 16-bit: made at full scale, measured, then scaled to the level asked for."""
    work = path + ".raw.wav"
    _run([SOX, "-n", "-r", str(RATE), "-c", "1", "-b", "16", "-e", "signed-integer", work,
          "synth", f"{seconds:.3f}", "pinknoise", "gain", "-n", "-6"])
    try:
        gain = rms_dbfs - measured_rms_dbfs(work)
        _run([SOX, work, path, "gain", f"{gain:.2f}"])
    finally:
        os.remove(work)
    return path


def measured_rms_dbfs(path):
    """The RMS level of a 16-bit WAV, in dBFS."""
    _, _, samples = read_samples(path)
    if not samples:
        return -200.0
    mean_square = sum(x * x for x in samples) / len(samples)
    return 10 * math.log10(max(mean_square, 1e-12) / (32768.0 * 32768.0))


def concat(path, parts):
    """Joins WAVs (all 8 kHz mono 16-bit) or silences (a number = that many seconds) in order."""
    work = tempfile.mkdtemp(prefix="speech-concat-", dir=os.path.dirname(os.path.abspath(path)))
    try:
        files = []
        for i, part in enumerate(parts):
            if isinstance(part, (int, float)):
                if part <= 0:
                    continue
                part = silence(os.path.join(work, f"s{i}.wav"), part)
            files.append(part)
        if len(files) == 1:
            shutil.copyfile(files[0], path)
        else:
            _run([SOX, *files, path])
        return path
    finally:
        shutil.rmtree(work, ignore_errors=True)


def spoken_wav(path, text, lead=1.0, tail=60.0, **voice):
    """`lead` s of silence, `text` spoken (see synthesize), `tail` s of silence."""
    speech = synthesize(path + ".speech.wav", text, **voice)
    try:
        return concat(path, [lead, speech, tail])
    finally:
        os.remove(speech)


def spoken_digits_wav(path, digits, lead=1.0, tail=60.0, group=0, **voice):
    """A caller saying `digits` ("12345678") digit by digit, padded as spoken_wav."""
    return spoken_wav(path, digit_words(digits, group), lead, tail, **voice)


def read_samples(path):
    """(rate, channels, array('h') of channel 0) of a 16-bit PCM WAV."""
    with wave.open(path) as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: not 16-bit")
        rate, channels = w.getframerate(), w.getnchannels()
        samples = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder != "little":
        samples.byteswap()
    return rate, channels, samples[::channels] if channels > 1 else samples


def duration(path):
    with wave.open(path) as w:
        return w.getnframes() / w.getframerate()


def speech_span(path, window=0.02, threshold_dbfs=-40.0):
    """(first, last) second of the WAV whose `window` RMS is above `threshold_dbfs` (the
    endpointer's floor), or None for silence: where the speech is."""
    rate, _, samples = read_samples(path)
    n = max(1, int(rate * window))
    floor = (10 ** (threshold_dbfs / 20) * 32768.0) ** 2
    loud = [i for i in range(0, len(samples), n)
            if sum(s * s for s in samples[i:i + n]) / len(samples[i:i + n]) > floor]
    if not loud:
        return None
    return loud[0] / rate, (loud[-1] + n) / rate


def prompt_seconds(text, workdir, voice="kal"):
    """How long callgate speaks `text`: its prompts are flite's kal voice at duration stretch
    1.0 (adapters/tts), the voice and pace the flite CLI uses with -voice kal."""
    path = os.path.join(workdir, f"prompt-{abs(hash(text)) % 10 ** 8}.wav")
    _run([FLITE, "-voice", voice, "-t", text, "-o", path])
    try:
        return duration(path)
    finally:
        os.remove(path)


# ---------------------------------------------------------------------------------------------
# Optional check with pocketsphinx (ctypes; no Python binding needed). Used by the self-test
# below only, never by the black-box test (which must judge callgate, not this decoder).

PS_MODEL = "/usr/share/pocketsphinx/model/en-us/en-us"
PS_DICT = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"


def digits_jsgf(min_digits, max_digits):
    words = " | ".join(("oh",) + DIGIT_WORDS)
    return ("#JSGF V1.0;\ngrammar digits;\n"
            f"<digit> = {words};\npublic <digits> = <digit>" +
            "".join(" <digit>" for _ in range(min_digits - 1)) +
            "".join(" [<digit>" for _ in range(max_digits - min_digits)) +
            "]" * (max_digits - min_digits) + ";\n")


def pocketsphinx_decode(path, jsgf_text):
    """The words pocketsphinx decodes from an 8 kHz WAV (resampled to 16 kHz for the en-us
    model) with a JSGF grammar, or None when libpocketsphinx/the model is not installed."""
    import ctypes
    try:
        ps = ctypes.CDLL("libpocketsphinx.so.3")
        sb = ctypes.CDLL("libsphinxbase.so.3")
    except OSError:
        return None
    if not os.path.isdir(PS_MODEL) or not os.path.exists(PS_DICT):
        return None
    work = tempfile.mkdtemp(prefix="speech-ps-")
    try:
        grammar = os.path.join(work, "g.gram")
        with open(grammar, "w", encoding="ascii") as f:
            f.write(jsgf_text)
        wide = os.path.join(work, "16k.wav")
        _run([SOX, path, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", wide])
        _, _, samples = read_samples(wide)
        ps.ps_args.restype = ctypes.c_void_p
        sb.cmd_ln_init.restype = ctypes.c_void_p
        ps.ps_init.restype = ctypes.c_void_p
        ps.ps_init.argtypes = [ctypes.c_void_p]
        ps.ps_get_hyp.restype = ctypes.c_char_p
        ps.ps_get_hyp.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int32)]
        for name in ("ps_start_utt", "ps_end_utt", "ps_free"):
            getattr(ps, name).argtypes = [ctypes.c_void_p]
        ps.ps_process_raw.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                      ctypes.c_int, ctypes.c_int]
        args = [b"-hmm", PS_MODEL.encode(), b"-dict", PS_DICT.encode(),
                b"-jsgf", grammar.encode(), b"-logfn", b"/dev/null"]
        config = sb.cmd_ln_init(None, ctypes.c_void_p(ps.ps_args()), 1,
                                *[ctypes.c_char_p(a) for a in args], None)
        if not config:
            raise RuntimeError("pocketsphinx: bad configuration")
        decoder = ps.ps_init(ctypes.c_void_p(config))
        if not decoder:
            raise RuntimeError("pocketsphinx: ps_init failed")
        try:
            ps.ps_start_utt(decoder)
            ps.ps_process_raw(decoder, samples.buffer_info()[0], len(samples), 0, 1)
            ps.ps_end_utt(decoder)
            score = ctypes.c_int32()
            hyp = ps.ps_get_hyp(decoder, ctypes.byref(score))
            return (hyp or b"").decode()
        finally:
            ps.ps_free(decoder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def words_to_digits(words):
    table = {w: str(i) for i, w in enumerate(DIGIT_WORDS)}
    table["oh"] = "0"
    return "".join(table.get(w, "?") for w in words.split())


def ulaw_round_trip(src, dst):
    """What a PCMU call does to the audio: 8 kHz mu-law and back to 16-bit."""
    coded = dst + ".ul"
    try:
        _run([SOX, src, "-t", "raw", "-r", str(RATE), "-c", "1", "-e", "u-law", coded])
        _run([SOX, "-t", "raw", "-r", str(RATE), "-c", "1", "-e", "u-law", coded,
              "-b", "16", "-e", "signed-integer", dst])
        return dst
    finally:
        if os.path.exists(coded):
            os.remove(coded)


def _self_test(outdir):
    """Generates the WAVs test_sip_speech.py uses (the first two cases; the others are for
    information) and checks them; exit status 0 = the required ones are good."""
    os.makedirs(outdir, exist_ok=True)
    missing = sorted(set(missing_tools("flite") + missing_tools("espeak-ng")))
    if missing:
        print(f"missing programs: {missing}")
        return 1
    failures = 0
    cases = [("flite kal", True, dict(engine="flite", voice="kal")),
             ("flite kal grouped", True, dict(engine="flite", voice="kal", group=4)),
             ("flite awb", False, dict(engine="flite", voice="awb")),
             ("flite slt", False, dict(engine="flite", voice="slt")),
             ("espeak-ng en-us", False, dict(engine="espeak-ng", voice="en-us"))]
    for name, required, voice in cases:
        path = os.path.join(outdir, name.replace(" ", "-") + ".wav")
        spoken_digits_wav(path, "12345678", lead=1.0, tail=2.0, **voice)
        rate, channels, _ = read_samples(path)
        span = speech_span(path)
        ok = rate == RATE and channels == 1 and span is not None and 0.9 <= span[0] <= 1.3
        heard = pocketsphinx_decode(ulaw_round_trip(path, path + ".g711.wav"), digits_jsgf(8, 8))
        if heard is not None:
            ok = ok and words_to_digits(heard) == "12345678"
        failures += required and not ok
        status = "ok  " if ok else ("FAIL" if required else "info")
        print(f"{status} {name}: {rate} Hz x{channels}, {duration(path):.2f} s, speech "
              f"{span[0]:.2f}-{span[1]:.2f} s, pocketsphinx after G.711: "
              f"{'not installed' if heard is None else repr(heard)}")
    silent = concat(os.path.join(outdir, "silence.wav"), [3.0])
    ok = speech_span(silent) is None and abs(duration(silent) - 3.0) < 0.01
    failures += not ok
    print(f"{'ok  ' if ok else 'FAIL'} concat of a silence: {duration(silent):.2f} s, no speech")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(_self_test(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="speech-")))
