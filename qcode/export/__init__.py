"""Exports: tables for analysis and exchange files for other tools."""
