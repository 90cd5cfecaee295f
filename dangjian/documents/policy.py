"""The policy this system implements, as documents cite it."""

POLICY_TITLE = "关于推进机关党的建设的工作意见"
POLICY = f"《{POLICY_TITLE}》"
