class WorkflowRefused(Exception):
    """An action on an SOP run was refused. The message says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)
