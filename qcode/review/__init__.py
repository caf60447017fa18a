"""The PI's side: units of analysis, agreement between coders, and where they disagree.

``scope`` decides which documents and codings two or more coders are compared on; ``units``
turns those codings into the reliability data of :mod:`qcode.agreement` for a chosen unit of
analysis; ``report`` computes and gathers the figures; ``disagreements`` lists the places
where the coders differ, each with a stable id.
"""
