"""Custom Streamlit components, for what `st.plotly_chart` cannot do."""
