"""The sandbox PostgreSQL server and its throwaway databases."""

from dbarch.tools.sandbox.sandbox import Sandbox, ScratchDatabase
from dbarch.tools.sandbox.settings import SandboxSettings, user_home

__all__ = ["Sandbox", "SandboxSettings", "ScratchDatabase", "user_home"]
