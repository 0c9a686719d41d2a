"""Journey Lens engine: loading, mapping, metrics and figures for customer-journey analytics.

A plain library (no Streamlit): the app's pages and the command line both call it.
"""

__version__ = "0.1.0"
