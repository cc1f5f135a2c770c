"""``python -m partnermap``: the same as the ``partnermap`` command."""

from partnermap.cli import main

main()
