"""derivations: the article's backpropagation, derived symbolically with SymPy.

>>> from derivations import derive
>>> d = derive()                      # the article's 2-2-1 sigmoid network, MSE
>>> d.partials["w1"]
<Partial d_L_d_w1 = d_L_d_ypred * d_ypred_d_h1 * d_h1_d_w1>
"""

__version__ = "0.1.0"

from derivations import views  # noqa: F401  (connects the core's methods to printing, numbers, proof)
from derivations.chain import Derivation, Factor, Partial, derive
from derivations.check import check
from derivations.network import Network, NetworkError, article_network
from derivations.verify import VerificationError

__all__ = [
    "check",
    "Derivation",
    "Factor",
    "Network",
    "NetworkError",
    "Partial",
    "VerificationError",
    "article_network",
    "derive",
]
