"""Object trees: binary trees of small objects built, walked and dropped (allocation, attribute
access, recursion, the garbage collector), after the Benchmarks Game's binary-trees."""

DEPTH = 15


class Node:
    def __init__(self, left, right):
        self.left = left
        self.right = right

    def check(self):
        return 1 if self.left is None else 1 + self.left.check() + self.right.check()


def make(depth):
    return Node(None, None) if depth == 0 else Node(make(depth - 1), make(depth - 1))


def run():
    long_lived = make(DEPTH)
    total = 0
    for depth in range(4, DEPTH + 1, 2):
        for _ in range(2 ** (DEPTH - depth)):
            total += make(depth).check()
    return total + long_lived.check()


if __name__ == "__main__":
    print(run())
