import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# manim finds manim.cfg (media_dir, TeX template) from the working directory.
os.chdir(ROOT)
sys.path.insert(0, str(ROOT))
