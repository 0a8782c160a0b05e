import numpy as np

weights = np.array([1, 2]) @ np.array([1, 2, 3])
