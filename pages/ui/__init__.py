"""Streamlit building blocks shared by the pages: data access, URL state, filters, tiles."""
