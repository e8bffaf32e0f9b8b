import sys

from pipeline.bench import main

sys.exit(main(sys.argv[1:]))
