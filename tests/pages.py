"""Signing in through the real pages, as a person would (never login_user() in a test), and
reading one element of a page (so a check compares that element's exact text, not a substring of
the whole page)."""

from html.parser import HTMLParser

from tests.factories import PASSWORD, PIN


def sign_in_worker(client, code: str, employee_no: str, pin: str = PIN):
    """Employee number and PIN on the company's page (one form)."""
    return client.post(f"/c/{code}", data={"employee_no": employee_no, "pin": pin})


def sign_in_staff(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def sign_in_staff_in_english(client, username: str):
    """Sign in and switch to English: the check reads the English source text."""
    response = sign_in_staff(client, username)
    client.set_cookie("lang", "en")
    return response


def read(client, url: str) -> tuple[int, str]:
    """GET a page: its status and text (the response closed)."""
    response = client.get(url)
    text = response.get_data(as_text=True)
    response.close()
    return response.status_code, text


class _Elements(HTMLParser):
    """The text of every element with this tag and these attributes (class: one of its classes)."""

    def __init__(self, tag: str, attrs: dict[str, str]):
        super().__init__()
        self.tag, self.attrs = tag, attrs
        self.found: list[list[str]] = []
        self.open: list[list[int]] = []  # [index in found, how deep its own tag nests] per element being read

    def _matches(self, attrs) -> bool:
        have = dict(attrs)
        for name, value in self.attrs.items():
            if name == "class" and value not in (have.get("class") or "").split():
                return False
            if name != "class" and have.get(name) != value:
                return False
        return True

    def handle_starttag(self, tag, attrs):
        if tag != self.tag:
            return
        for reading in self.open:
            reading[1] += 1
        if self._matches(attrs):
            self.found.append([])
            self.open.append([len(self.found) - 1, 1])

    def handle_endtag(self, tag):
        if tag != self.tag or not self.open:
            return
        for reading in self.open:
            reading[1] -= 1
        self.open = [reading for reading in self.open if reading[1] > 0]

    def handle_data(self, data):
        for index, _depth in self.open:
            self.found[index].append(data)


def texts(html: str, tag: str, raw: bool = False, **attrs: str) -> list[str]:
    """The text of each `tag` element whose attributes match (`class_` for a class it has), in page
    order: whitespace collapsed to single spaces, or as written with raw=True (a textarea's lines)."""
    parser = _Elements(tag, {name.rstrip("_"): value for name, value in attrs.items()})
    parser.feed(html)
    parser.close()
    joined = ["".join(parts) for parts in parser.found]
    return [text.strip() if raw else " ".join(text.split()) for text in joined]


class _Rows(HTMLParser):
    """Each table row's cells (th and td), as text."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    """Every table row of the page, as the list of its cells' texts (whitespace collapsed)."""
    parser = _Rows()
    parser.feed(html)
    parser.close()
    return parser.rows



class _Tables(_Rows):
    """Each table's rows of cells, as text."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
            self.rows = self.tables[-1]
        super().handle_starttag(tag, attrs)


def rows_under(html: str, key: str, *headers: str) -> dict[str, dict[str, str]]:
    """The rows of the first table whose header row names `key` and `headers`, by their `key` cell:
    each as {header: text}."""
    parser = _Tables()
    parser.feed(html)
    parser.close()
    head, *rows = next(t for t in parser.tables if t and key in t[0] and all(h in t[0] for h in headers))
    return {row[head.index(key)]: dict(zip(head, row, strict=True)) for row in rows}


# A grid's two incident figures, by the names every page gives them (docs/metrics.md, "Names").
QUIET, RUN = "Months since the grid's last case", "Zero-case months in a row (complete months)"
