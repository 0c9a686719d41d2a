"""Plotly figure builders, one module per area (funnel, journey, scores, surveys, segments, data).

Every builder takes a DataFrame from a metric and returns a themed figure (`cxlib.theme`).
"""
