"""SesProductionAccessStackSet: the organisation rollout and its status roll-up."""
