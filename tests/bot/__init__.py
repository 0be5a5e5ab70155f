"""Tests of the conversation engine, its answers and the local chat."""
