"""Plotly figure builders: frames in, figures out. No Streamlit, no data access.

Pages hand these the frames the metrics engine returns and draw the figure
with ``st.plotly_chart``; keeping figures here makes them testable and lets
exports (PNG, PDF) reuse exactly what the page shows.
"""
