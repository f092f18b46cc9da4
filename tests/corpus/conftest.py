"""Prints how long each corpus case took: huge inputs must be handled in seconds, and this is the record."""


def pytest_terminal_summary(terminalreporter):
    timed = [
        (dict(report.user_properties)["seconds"], report.nodeid.rpartition("[")[2].rstrip("]"))
        for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed")
        if report.when == "call" and "seconds" in dict(report.user_properties)
    ]
    if timed:
        terminalreporter.section("bad-input corpus: seconds per case (detect + build)")
        for seconds, name in sorted(timed, reverse=True):
            terminalreporter.write_line(f"{seconds:6.1f}  {name}")
        terminalreporter.write_line(f"{sum(s for s, _ in timed):6.1f}  total over {len(timed)} cases")
