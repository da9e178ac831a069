"""Every code example of the seed documents (/work/shared/seeds/*.txt) run
under ``import srcgrad.torch as torch``, with the output PyTorch prints.

Each snippet is also run under real PyTorch when it is installed, and the two
outputs must be identical (object addresses normalised).  Snippets that use an
undefined ``model``/``input`` in the seed get a small ``nn.Linear`` set-up,
marked in the code.  Where a seed's comment claims something PyTorch does not
do, the expected output is PyTorch's and the case's docstring says so.
"""

import re

import pytest

import srcgrad.torch
from conftest import run_snippet

ADDR = re.compile(r" at 0x[0-9a-fA-F]+")

# (case id, code, expected stdout under srcgrad)
CASES = [
    # ---------------------------------------------------------------- seed 000
    ("000_enable_tracking", """
        x = torch.tensor([2.0, 3.0], requires_grad=True)
        y = x ** 2 + 3
        z = y.sum()
        z.backward()
        print(x.grad)  # Output: tensor([4., 6.])
    """, "tensor([4., 6.])\n"),
    ("000_backward_model", """
        model = torch.nn.Linear(3, 1)          # set-up: the seed leaves model/input undefined
        input = torch.randn(4, 3)
        loss = model(input).sum()
        loss.backward()
        print(model.weight.grad.shape, model.bias.grad)
    """, "torch.Size([1, 3]) tensor([4.])\n"),
    ("000_no_grad_model", """
        model = torch.nn.Linear(3, 1)          # set-up
        x = torch.randn(2, 3)
        with torch.no_grad():
            y = model(x)
        print(y.requires_grad, y.grad_fn)
    """, "False None\n"),
    ("000_detach", """
        x = torch.tensor([1.0], requires_grad=True)
        y = x * 2
        z = y.detach()  # z does not track gradients
        print(z.requires_grad, z.grad_fn, z)
    """, "False None tensor([2.])\n"),
    ("000_grad_fn", """
        x = torch.tensor([2.0], requires_grad=True)
        y = x * x
        print(y.grad_fn)  # Output: <MulBackward0>
    """, "<MulBackward0 object at 0x...>\n"),
    ("000_custom_function", """
        class Square(torch.autograd.Function):
            @staticmethod
            def forward(ctx, input):
                ctx.save_for_backward(input)
                return input ** 2

            @staticmethod
            def backward(ctx, grad_output):
                input, = ctx.saved_tensors
                return grad_output * 2 * input

        x = torch.tensor([3.0], requires_grad=True)
        y = Square.apply(x)
        y.backward()
        print(x.grad)  # Should be 6.0
        print(y)
    """, "tensor([6.])\ntensor([9.], grad_fn=<SquareBackward>)\n"),
    ("000_optimizer_step", """
        model = torch.nn.Linear(2, 1)          # set-up
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        loss = model(torch.ones(1, 2)).sum()
        optimizer.zero_grad()  # Or model.zero_grad()
        loss.backward()
        optimizer.step()
        print(model.weight.grad, model.bias.grad)
    """, "tensor([[1., 1.]]) tensor([1.])\n"),
    ("000_accumulation", """
        x = torch.tensor([2.0], requires_grad=True)
        y = x * 2
        y.backward()
        try:
            y.backward()
        except RuntimeError as e:
            print(str(e).split(" (")[0])
        print(x.grad)  # Will be 4 + 4 = 8
        y = x * 2
        y.backward(retain_graph=True)
        y.backward()
        print(x.grad)
    """, "Trying to backward through the graph a second time\ntensor([2.])\ntensor([6.])\n"),
    # ---------------------------------------------------------------- seed 001
    ("001_steps", """
        x = torch.tensor([2.0, 3.0], requires_grad=True)
        y = x ** 2 + 3 * x  # y = x^2 + 3x
        z = y.sum()         # Reduce to scalar for backward()
        z.backward()  # Compute dz/dx
        print(x.grad)  # tensor([7., 9.])
    """, "tensor([7., 9.])\n"),
    ("001_leaf", """
        x = torch.tensor([1.0], requires_grad=True)
        y = x * 2
        print(x.is_leaf)    # True
        print(y.is_leaf)    # False
        print(y.grad_fn)    # <MulBackward0 object>
    """, "True\nFalse\n<MulBackward0 object at 0x...>\n"),
    ("001_scalar_only", """
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x ** 2  # Shape: [2]
        try:
            y.backward()
        except RuntimeError as e:
            print(e)
        y.sum().backward()                           # Solution 1
        print(x.grad)
        x.grad = None
        y = x ** 2
        y.backward(torch.ones_like(y))               # Solution 2
        print(x.grad)
    """, "grad can be implicitly created only for scalar outputs\ntensor([2., 4.])\n"
         "tensor([2., 4.])\n"),
    ("001_accumulate", """
        x = torch.tensor([1.0], requires_grad=True)
        y1 = x * 2
        y1.backward()
        print(x.grad)  # tensor([2.])
        y2 = x * 3
        y2.backward()
        print(x.grad)  # tensor([5.])  # 2 + 3 = 5
        print(x.grad.zero_())
    """, "tensor([2.])\ntensor([5.])\ntensor([0.])\n"),
    ("001_graph_destroyed", """
        x = torch.tensor([1.0], requires_grad=True)
        y = x ** 2
        y.backward()
        try:
            y.backward()  # Error: graph already freed
        except RuntimeError as e:
            print(str(e).split(" (")[0])
        y = x ** 2
        y.backward(retain_graph=True)
        y.backward()  # Now works
        print(x.grad)
    """, "Trying to backward through the graph a second time\ntensor([6.])\n"),
    ("001_no_grad_eval", """
        model = torch.nn.Linear(3, 2)          # set-up
        test_data = torch.randn(5, 3)
        model.eval()  # Set model to evaluation mode
        with torch.no_grad():
            predictions = model(test_data)
        print(model.training, predictions.requires_grad, predictions.shape)
    """, "False False torch.Size([5, 2])\n"),
    ("001_detach", """
        x = torch.tensor([1.0], requires_grad=True)
        y = x ** 2
        y_detached = y.detach()
        print(y.requires_grad)          # True
        print(y_detached.requires_grad) # False
    """, "True\nFalse\n"),
    ("001_requires_grad_", """
        x = torch.tensor([1.0], requires_grad=True)
        x.requires_grad_(False)
        print(x.requires_grad)  # False
    """, "False\n"),
    ("001_gradient_checking", """
        x = torch.tensor([2.0], requires_grad=True)
        y = x ** 3  # y = x^3, dy/dx = 3x^2 = 12 at x=2
        y.backward()
        print(f"Autograd gradient: {x.grad.item()}")  # 12.0
        eps = 1e-5
        numerical_grad = ((2.0 + eps)**3 - (2.0 - eps)**3) / (2 * eps)
        print(f"Numerical gradient: {numerical_grad:.4f}")  # ~12.0
    """, "Autograd gradient: 12.0\nNumerical gradient: 12.0000\n"),
    # ---------------------------------------------------------------- seed 002
    ("002_partials", """
        x = torch.tensor(2.0, requires_grad=True)
        y = torch.tensor(3.0, requires_grad=True)
        z = x**2 * y + y**3
        z.backward()  # Computes dz/dx and dz/dy
        print(x.grad)
        print(y.grad)
        print(z)
    """, "tensor(12.)\ntensor(31.)\ntensor(39., grad_fn=<AddBackward0>)\n"),
    ("002_chain", """
        w = torch.tensor(1.0, requires_grad=True)
        b = torch.tensor(2.0, requires_grad=True)
        x = 3.0
        y_pred = w * x + b        # y_pred = 1*3 + 2 = 5
        y_true = 10.0
        loss = (y_pred - y_true) ** 2  # (5-10)^2 = 25
        loss.backward()
        print("dloss/dw:", w.grad)  # 2*(y_pred-y_true)*x = 2*(-5)*3 = -30
        print("dloss/db:", b.grad)  # 2*(y_pred-y_true)*1 = 2*(-5) = -10
    """, "dloss/dw: tensor(-30.)\ndloss/db: tensor(-10.)\n"),
    ("002_square", """
        x = torch.tensor(3.0, requires_grad=True)
        y = x**2                    # y = x^2
        y.backward()                # COMPUTES derivative
        print(x.grad)               # STORES derivative result
    """, "tensor(6.)\n"),
    ("002_vector_mean", """
        x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (x ** 2).mean()
        y.backward()
        print(repr(x.grad))
    """, "tensor([0.6667, 1.3333, 2.0000])\n"),
    ("002_zero", """
        x = torch.tensor(2.0, requires_grad=True)
        y = x ** 2
        y.backward()
        print("Grad after 1st:", x.grad)
        print(repr(x.grad.zero_()))
        y = x ** 3
        y.backward()
        print("Grad after 2nd:", x.grad) # tensor(12.0) - NOT 16.0!
    """, "Grad after 1st: tensor(4.)\ntensor(0.)\nGrad after 2nd: tensor(12.)\n"),
    ("002_defaults", """
        x = torch.tensor(2.0, requires_grad=True)
        print(x.requires_grad)
        x = torch.tensor(2.0, requires_grad=False)  # Default behavior
        print(x.requires_grad)
        x = torch.tensor(2.0)  # Same as above
        print(x.requires_grad, x)
    """, "True\nFalse\nFalse tensor(2.)\n"),
    ("002_detach", """
        x = torch.tensor(2.0, requires_grad=True)
        y = x ** 2  # y has gradient tracking
        x_detached = x.detach()  # Remove gradient tracking
        z = x_detached ** 3     # z has NO gradient tracking
        print(y.requires_grad, z.requires_grad, z)
    """, "True False tensor(8.)\n"),
    ("002_no_grad", """
        x = torch.tensor(2.0, requires_grad=True)
        with torch.no_grad():  # All operations inside have NO gradient tracking
            y = x ** 2
            z = y + 1
        w = x ** 3  # w requires grad
        print(y.requires_grad, z.requires_grad, w.requires_grad, w)
    """, "False False True tensor(8., grad_fn=<PowBackward0>)\n"),
    # ---------------------------------------------------------------- seed 003
    ("003_requires_grad", """
        a = torch.tensor([1.0, 2.0, 3.0])
        print(a.requires_grad)  # False
        b = torch.tensor([1.0, 2.0], requires_grad=True)
        print(b.requires_grad)  # True
        a.requires_grad_(True)  # in-place
        a = a.requires_grad_(True)
        print(a.requires_grad, a)
    """, "False\nTrue\nTrue tensor([1., 2., 3.], requires_grad=True)\n"),
    ("003_tracked", """
        x = torch.tensor([2.0], requires_grad=True)
        y = x ** 2      # y = 4.0
        z = y * 3       # z = 12.0
        print(y.grad_fn)  # <PowBackward0>
        print(z.grad_fn)  # <MulBackward0>
    """, "<PowBackward0 object at 0x...>\n<MulBackward0 object at 0x...>\n"),
    ("003_only_floats", """
        try:
            t = torch.tensor([1, 2], requires_grad=True)
        except RuntimeError as e:
            print(e)
    """, "Only Tensors of floating point and complex dtype can require gradients\n"),
    ("003_simple", """
        x = torch.tensor([2.0], requires_grad=True)
        y = x ** 2
        y.backward()
        print(x.grad)  # tensor([4.0])
    """, "tensor([4.])\n"),
    ("003_two_vars", """
        x = torch.tensor([2.0], requires_grad=True)
        w = torch.tensor([3.0], requires_grad=True)
        y = x * w  # y = 6.0
        y.backward()
        print(x.grad)  # tensor([3.0]) - dy/dx = w = 3
        print(w.grad)  # tensor([2.0]) - dy/dw = x = 2
    """, "tensor([3.])\ntensor([2.])\n"),
    ("003_chain_rule", """
        x = torch.tensor([2.0], requires_grad=True)
        y = (x ** 2 + 1) ** 3
        y.backward()
        print(x.grad)  # tensor([300.0])
    """, "tensor([300.])\n"),
    ("003_graph", """
        x = torch.tensor([2.0], requires_grad=True)
        y = torch.tensor([3.0], requires_grad=True)
        z = x * y        # z depends on x and y
        out = z.sum()    # scalar output
        out.backward()   # traverse graph backwards
        print(x.grad, y.grad, out)
    """, "tensor([3.]) tensor([2.]) tensor(6., grad_fn=<SumBackward0>)\n"),
    ("003_accumulation_problem", """
        x = torch.tensor([2.0], requires_grad=True)
        y1 = x ** 2
        y1.backward()
        print(x.grad)  # tensor([4.0])
        y2 = x ** 3
        y2.backward()
        print(x.grad)  # tensor([16.0]) - not 12!
    """, "tensor([4.])\ntensor([16.])\n"),
    ("003_zero_grad", """
        x = torch.tensor([2.0], requires_grad=True)
        y1 = x ** 2
        y1.backward()
        print(x.grad)  # tensor([4.0])
        x.grad.zero_()  # or x.grad = None
        y2 = x ** 3
        y2.backward()
        print(x.grad)  # tensor([12.0]) - correct!
        x.grad = None
        (x ** 3).backward()
        print(x.grad)
    """, "tensor([4.])\ntensor([12.])\ntensor([12.])\n"),
    ("003_no_grad", """
        x = torch.tensor([2.0], requires_grad=True)
        with torch.no_grad():
            y = x ** 2
            print(y.requires_grad)  # False
        z = x ** 2
        print(z.requires_grad)  # True
    """, "False\nTrue\n"),
    ("003_detach", """
        x = torch.tensor([2.0], requires_grad=True)
        y = x ** 2
        y_detached = y.detach()
        print(y_detached.requires_grad)  # False
    """, "False\n"),
    ("003_inference_mode", """
        model = torch.nn.Linear(1, 1)          # set-up
        x = torch.tensor([2.0], requires_grad=True)
        with torch.inference_mode():
            y = model(x)
        print(y.requires_grad, y.grad_fn)
    """, "False None\n"),
    ("003_together", """
        w = torch.tensor([0.0], requires_grad=True)  # start at 0
        b = torch.tensor([0.0], requires_grad=True)  # start at 0
        x = torch.tensor([1.0, 2.0, 3.0])  # inputs
        y_true = torch.tensor([3.0, 5.0, 7.0])  # targets (2*x + 1)
        y_pred = w * x + b                  # forward pass
        loss = ((y_pred - y_true) ** 2).mean()  # MSE loss
        loss.backward()                     # compute gradients
        print(f"w.grad: {w.grad}")          # gradient w.r.t. w
        print(f"b.grad: {b.grad}")          # gradient w.r.t. b
    """, "w.grad: tensor([-22.6667])\nb.grad: tensor([-10.])\n"),
    # ---------------------------------------------------------------- seed 004
    ("004_add", """
        x = torch.tensor([2.0, 3.0], requires_grad=True)
        y = torch.tensor([4.0, 5.0], requires_grad=True)
        a = torch.tensor([1.0, 1.0])
        z = x + y
        print(z)  # tensor([6., 8.], grad_fn=<AddBackward0>)
        print(z.grad_fn)  # <AddBackward0 object at 0x...>
        loss = z.sum() # Often, loss is a scalar value
        loss.backward()
        print(x.grad) # tensor([1., 1.])
        print(y.grad) # tensor([1., 1.])
        print(a.requires_grad)
    """, "tensor([6., 8.], grad_fn=<AddBackward0>)\n<AddBackward0 object at 0x...>\n"
         "tensor([1., 1.])\ntensor([1., 1.])\nFalse\n"),
    ("004_ones_like", """
        x = torch.tensor([2.0, 3.0], requires_grad=True)
        y = torch.tensor([4.0, 5.0], requires_grad=True)
        z = x * y
        z.backward(torch.ones_like(z)) # Equivalent to z.sum().backward()
        print(x.grad, y.grad)
        x.grad = y.grad = None
        (x * y).sum().backward()
        print(x.grad, y.grad)
    """, "tensor([4., 5.]) tensor([2., 3.])\ntensor([4., 5.]) tensor([2., 3.])\n"),
    ("004_no_grad", """
        model = torch.nn.Linear(2, 2)          # set-up
        input_data = torch.randn(3, 2)
        with torch.no_grad():
            output = model(input_data)
        print(output.requires_grad)
    """, "False\n"),
    ("004_freeze", """
        model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
        for param in model.parameters():
            param.requires_grad_(False)
        print([p.requires_grad for p in model.parameters()])
        print(model(torch.ones(1, 2)).requires_grad)
    """, "[False, False, False, False]\nFalse\n"),
]


@pytest.mark.parametrize("case,code,expected", CASES, ids=[c[0] for c in CASES])
def test_seed_example(case, code, expected):
    out = run_snippet(code, srcgrad.torch)
    assert ADDR.sub(" at 0x...", out) == expected


@pytest.mark.parametrize("case,code,expected", CASES, ids=[c[0] for c in CASES])
def test_seed_example_matches_pytorch(case, code, expected, real_torch):
    assert ADDR.sub(" at 0x...", run_snippet(code, real_torch)) == \
        ADDR.sub(" at 0x...", run_snippet(code, srcgrad.torch))


def test_004_detach_backward_raises_like_pytorch():
    """Seed 004 claims ``z = y.detach() * 3; z.backward()`` runs and leaves
    ``x.grad`` None.  PyTorch raises instead, because ``z`` does not require
    grad; we follow PyTorch (x.grad and y.grad stay None)."""
    out = run_snippet("""
        x = torch.tensor([2.0], requires_grad=True)
        y = x * 2
        z = y.detach() * 3 # z no longer tracks history back to x
        try:
            z.backward()
        except RuntimeError as e:
            print(e)
        print(x.grad) # None
    """, srcgrad.torch)
    assert out == "element 0 of tensors does not require grad and does not have a grad_fn\nNone\n"


def test_000_accumulation_seed_claim_is_wrong():
    """Seed 000 says two backward passes of ``y = x * 2`` give 8.  In PyTorch
    the second pass raises (MulBackward0 saved the factor 2 and the first pass
    freed it), and each pass adds dy/dx = 2 anyway; with retain_graph the
    total is 4.  srcgrad follows PyTorch."""
    x = srcgrad.torch.tensor([2.0], requires_grad=True)
    y = x * 2
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    x.grad = None
    y = x * 2
    y.backward(retain_graph=True)
    y.backward()
    assert repr(x.grad) == "tensor([4.])"


def test_001_solutions_in_sequence_fail_like_pytorch(real_torch):
    """Seed 001 lists ``y.sum().backward()`` then ``y.backward(ones_like(y))``
    as two solutions; run one after the other the second hits a freed graph
    (PowBackward0 saved x) in PyTorch, and in srcgrad."""
    code = """
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x ** 2
        y.sum().backward()
        try:
            y.backward(torch.ones_like(y))
        except RuntimeError as e:
            print(str(e)[:50])
    """
    assert run_snippet(code, srcgrad.torch) == run_snippet(code, real_torch)


def test_001_training_loop_prints_and_learns():
    out = run_snippet("""
        import srcgrad.torch.nn as nn
        torch.manual_seed(0)
        model = nn.Linear(10, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        criterion = nn.MSELoss()
        inputs = torch.randn(32, 10)
        targets = torch.randn(32, 1)
        for epoch in range(100):
            predictions = model(inputs)
            loss = criterion(predictions, targets)
            optimizer.zero_grad()  # Clear previous gradients (IMPORTANT!)
            loss.backward()        # Compute gradients
            optimizer.step()       # Update weights
            if epoch % 10 == 0:
                print(f"Epoch {epoch}, Loss: {loss.item():.4f}")
    """, srcgrad.torch)
    lines = out.splitlines()
    assert [l.split(",")[0] for l in lines] == ["Epoch %d" % e for e in range(0, 100, 10)]
    losses = [float(l.split(": ")[1]) for l in lines]
    assert all(re.fullmatch(r"Epoch \d+, Loss: \d+\.\d{4}", l) for l in lines)
    assert losses[-1] < losses[0]
