from paperkg.console import run

run()
