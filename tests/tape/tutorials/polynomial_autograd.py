"""PyTorch's "PyTorch: Tensors and autograd" (beginner_source/
examples_autograd/polynomial_autograd.py), run on ``srcgrad.torch``.

Changes from the original: the random weights come from ``synthetic.randn``
(shared with the run under real PyTorch).
"""

import math

import srcgrad.torch as torch

import synthetic

synthetic.seed()
dtype = torch.float
device = "cuda" if torch.cuda.is_available() else "cpu"
torch.set_default_device(device)

# Create Tensors to hold input and outputs.
x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)

# Create random Tensors for weights.
a = synthetic.randn(torch, dtype=dtype, requires_grad=True)
b = synthetic.randn(torch, dtype=dtype, requires_grad=True)
c = synthetic.randn(torch, dtype=dtype, requires_grad=True)
d = synthetic.randn(torch, dtype=dtype, requires_grad=True)

learning_rate = 1e-6
for t in range(2000):
    # Forward pass: compute predicted y using operations on Tensors.
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    # Compute and print loss using operations on Tensors.
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())

    # Use autograd to compute the backward pass.
    loss.backward()

    # Manually update weights using gradient descent.
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad

        # Manually zero the gradients after updating weights
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
torch.set_default_device("cpu")
