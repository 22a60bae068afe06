"""Streamlit widget helpers shared by the pages."""
