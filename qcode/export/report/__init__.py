"""`qcode report`: the study in one self-contained HTML file for a PI's browser.

data.py gathers what the report shows from the exports' and the agreement report's own
functions (plain, typed, no HTML); viewer.py the transcripts and their coded spans; figures.py
turns the data into plotly figure specs; page.py assembles one HTML file with plotly.js, the
specs and the transcripts embedded, so it opens offline.
"""
