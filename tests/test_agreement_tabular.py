"""The checker's pandas and scikit-learn rules against the real libraries.

Each snippet is read by `check_program` (never run) and then run here (our own code, with a
small CSV written beside it): every array the checker gives a shape to must have that shape
in the real namespace, axis by axis where the checker knows the size. No Keras: cheap.
"""

from __future__ import annotations

import textwrap
import warnings

import numpy as np
import pytest

from rnnshape_docs.program import check_program
from rnnshape_docs.program.sizes import Sym

ROWS, COLUMNS = 101, 5  # an odd number of rows: the splits' rounding shows

SNIPPETS = {
    "frame columns and values": """
        import pandas as pd
        frame = pd.read_csv("table.csv")
        whole = frame.values
        also = frame.to_numpy()
        two = frame[["c0", "c1"]].to_numpy()
        one = frame["c4"].values
        column = frame["c3"]
        n_columns = len(frame.columns)
        kept = frame.dropna()
        picked = pd.read_csv("table.csv", usecols=["c0", "c2", "c3"])
        """,
    "train_test_split": """
        import numpy as np
        import pandas as pd
        from sklearn.model_selection import train_test_split
        frame = pd.read_csv("table.csv")
        X = frame[["c0", "c1", "c2"]].values
        y = frame["c4"].values
        windows = np.random.rand(101, 6, 2)
        a_train, a_test, b_train, b_test = train_test_split(X, y, test_size=0.2)
        c_train, c_test = train_test_split(windows)
        d_train, d_test = train_test_split(windows, test_size=7)
        e_train, e_test = train_test_split(windows, train_size=0.7)
        f_train, f_test, g_train, g_test = train_test_split(windows, y, test_size=0.33)
        """,
    "scalers keep the shape": """
        import pandas as pd
        from sklearn.preprocessing import MinMaxScaler, StandardScaler, RobustScaler, MaxAbsScaler
        frame = pd.read_csv("table.csv")
        table = frame.values
        scaled = MinMaxScaler().fit_transform(table)
        scaler = StandardScaler()
        scaler.fit(table)
        standard = scaler.transform(table)
        back = scaler.inverse_transform(standard)
        robust = RobustScaler().fit_transform(frame[["c0", "c1"]])
        maxabs = MaxAbsScaler().fit_transform(table[:, :3])
        """,
    "encoders": """
        import numpy as np
        from sklearn.preprocessing import LabelEncoder, OneHotEncoder
        words = np.random.choice(["a", "b", "c"], size=100)
        ids = LabelEncoder().fit_transform(words)
        rows = OneHotEncoder(sparse_output=False).fit_transform(words.reshape(-1, 1))
        """,
}


def _write_table(where) -> None:
    rng = np.random.default_rng(0)
    header = ",".join(f"c{k}" for k in range(COLUMNS))
    body = "\n".join(",".join(f"{v:.4f}" for v in row) for row in rng.random((ROWS, COLUMNS)))
    (where / "table.csv").write_text(f"{header}\n{body}\n")


def _compared(text: str, namespace: dict, shapes: dict | None = None) -> int:
    result = check_program(text, shapes=shapes)
    assert not result.errors, result.text(200)
    last = {name: a for name, _, a in result.arrays}  # each name as the program leaves it
    compared = 0
    for name, a in last.items():
        if a.shape is None:
            continue
        real = np.shape(namespace[name])
        assert len(real) == len(a.shape), (name, a.shape, real)
        for known, size in zip(a.shape, real, strict=True):
            if isinstance(known, int):
                assert known == size, (name, a.shape, real)
                compared += 1
            else:
                assert known is None or isinstance(known, Sym), (name, a.shape)
    for name, value in namespace.items():  # plain sizes too: len(frame.columns)
        if name.startswith("n_") and isinstance(value, int):
            mine = [v for n, _, v in result.arrays if n == name]
            assert not mine  # a size is not an array
    return compared


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_the_rules_give_what_pandas_and_sklearn_give(name, tmp_path, monkeypatch):
    text = textwrap.dedent(SNIPPETS[name])
    _write_table(tmp_path)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(text, name, "exec"), namespace)  # noqa: S102 (our own snippets)
    # Read as written (rows of table.csv unknown), then with the file's shape stated.
    as_written = _compared(text, namespace)
    assert as_written > 0
    if "frame" in namespace:
        assert _compared(text, namespace, {"frame": (ROWS, COLUMNS)}) > as_written


def test_a_scaler_refuses_windows_as_the_checker_says():
    from sklearn.preprocessing import MinMaxScaler

    text = textwrap.dedent(
        """
        import numpy as np
        from sklearn.preprocessing import MinMaxScaler
        X = np.random.rand(40, 6, 2)
        X = MinMaxScaler().fit_transform(X)
        """
    )
    (finding,) = check_program(text).errors
    assert (finding.code, finding.line) == ("RS102", 5)
    with pytest.raises(ValueError, match="Found array with dim 3"):
        MinMaxScaler().fit_transform(np.random.rand(40, 6, 2))
    fixed = check_program(text).fixed_text()
    namespace: dict = {}
    exec(compile(fixed, "fixed", "exec"), namespace)  # noqa: S102
    assert namespace["X"].shape == (40, 6, 2)
    assert not check_program(fixed).errors
