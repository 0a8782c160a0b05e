"""What the core's convenience methods do: printing, numbers, proof (see :mod:`derivations.seam`).

``d.to_text()``, ``d.gradient(...)``, ``d.verify()`` are methods on the
core's objects because users expect them there; their implementations live in
the printing, numeric and verify modules, and this module is the only place
that connects the two.  The package imports it first thing.
"""

from derivations import seam
from derivations.numeric import NumericDerivation
from derivations.printing import to_latex, to_markdown, to_notebook, to_text
from derivations.verify import verify

seam.provide(text=to_text, latex=to_latex, markdown=to_markdown, notebook=to_notebook, numeric=NumericDerivation,
             verify=verify)
